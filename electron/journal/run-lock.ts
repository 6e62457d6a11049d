/**
 * Locks that the kernel drops when their process dies: who is still running a batch, and whether
 * the run that left a temp file is still alive.
 *
 * Why a listening socket: a process id proves nothing (a killed process stays a zombie until it is
 * reaped, and pids are reused), a lock file with an mtime heartbeat (the `proper-lockfile`
 * approach) is only a guess with a timeout, and Node 20 has no `flock`/`fcntl` without a native
 * addon. A child process holding `flock(1)` would work on Linux only (macOS and Windows have no
 * such command) and costs a process per run. Binding a local socket name, though, is an atomic
 * claim that fails with EADDRINUSE while another process holds it, and the kernel closes the
 * socket the moment its process exits (also on SIGKILL, before the zombie is reaped):
 * - Linux: a socket in the abstract namespace (`\0name`, unix(7)): no file, freed by the kernel;
 * - Windows: a named pipe (`\\.\pipe\name`), freed when the last handle closes;
 * - macOS and other Unixes: a Unix socket file in the temp folder. The file outlives a killed
 *   process; a name whose socket refuses connections is stale and is removed before binding again.
 *   Two processes taking over the same stale name at the very same moment could both succeed
 *   there (unlink + bind is not one step); Linux and Windows have no such window.
 * Liveness is checked by connecting: a held lock accepts (and closes) the connection.
 *
 * Locks are per user (the user id is part of the hashed name) and per lock name.
 */
import { createHash, randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

/** A lock held by this process. */
export interface HeldLock {
  readonly name: string
  /** Gives the lock up (idempotent). */
  release(): Promise<void>
}

interface Entry {
  readonly server: net.Server
  owner: string
}

const held = new Map<string, Entry>()

function userTag(): string {
  try {
    return String(os.userInfo().uid >= 0 ? os.userInfo().uid : os.userInfo().username)
  } catch {
    return os.homedir()
  }
}

/** The socket address of lock `name` on `platform` (see the module comment). */
export function lockAddress(name: string, platform: NodeJS.Platform = process.platform): string {
  const hash = createHash('sha256').update(`pdf-to-image\0${userTag()}\0${name}`).digest('hex')
  if (platform === 'linux') return `\0pdf-to-image-${hash.slice(0, 40)}`
  if (platform === 'win32') return `\\\\.\\pipe\\pdf-to-image-${hash.slice(0, 40)}`
  // sun_path holds 104 bytes on macOS: keep the name short.
  return path.join(os.tmpdir(), `pdf-to-image-${hash.slice(0, 24)}.sock`)
}

function listen(address: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy())
    server.once('error', reject)
    server.listen(address, () => {
      server.off('error', reject)
      server.on('error', () => undefined)
      server.unref()
      resolve(server)
    })
  })
}

/** True when something accepts connections at `address` (the lock is held). */
function probe(address: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(address)
    const done = (alive: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(alive)
    }
    // A holder that does not answer within the time is alive but busy: count it as held.
    const timer = setTimeout(() => done(true), timeoutMs)
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/**
 * Takes lock `name` for `owner` (any string naming the holder inside this process, e.g. a journal
 * instance id). Resolves to null when another process holds it. Inside this process the lock
 * passes to the new owner (a restarted service takes over what its predecessor held).
 */
export async function tryLock(name: string, owner: string): Promise<HeldLock | null> {
  const mine = held.get(name)
  if (mine !== undefined) {
    mine.owner = owner
    return handle(name, mine)
  }
  const address = lockAddress(name)
  let server: net.Server
  try {
    server = await listen(address)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    if (address.startsWith('\0') || address.startsWith('\\\\')) return null
    if (await probe(address)) return null
    rmSync(address, { force: true })
    try {
      server = await listen(address)
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'EADDRINUSE') return null
      throw again
    }
  }
  const entry: Entry = { server, owner }
  // Another call of this process may have won meanwhile (two takeovers in one process).
  const raced = held.get(name)
  if (raced !== undefined) {
    server.close()
    raced.owner = owner
    return handle(name, raced)
  }
  held.set(name, entry)
  return handle(name, entry)
}

function handle(name: string, entry: Entry): HeldLock {
  return {
    name,
    async release() {
      if (held.get(name) !== entry) return
      held.delete(name)
      await new Promise<void>((resolve) => entry.server.close(() => resolve()))
    },
  }
}

/**
 * Who holds lock `name`: `{ inProcess: owner }` when this process does, `{ otherProcess: true }`
 * when another live process does, null when nobody does (its holder, if any, is dead).
 */
export async function lockHolder(name: string): Promise<{ readonly inProcess: string } | { readonly otherProcess: true } | null> {
  const mine = held.get(name)
  if (mine !== undefined) return { inProcess: mine.owner }
  return (await probe(lockAddress(name))) ? { otherProcess: true } : null
}

/** This process's run id: 16 hex digits, fixed for the process's life. */
export const RUN_ID = randomBytes(8).toString('hex')

/** The lock name of run `runId`. */
export function runLockName(runId: string): string {
  return `run-${runId}`
}

let runLockStarted = false

/**
 * Holds this process's run lock (from the first call on, until the process exits) and returns
 * {@link RUN_ID}. Synchronous: the socket is bound within the call (Node binds a local socket
 * synchronously inside `listen`), so a temp file named after the run id is never older than its
 * lock.
 */
export function holdRunLock(): string {
  if (runLockStarted) return RUN_ID
  runLockStarted = true
  const name = runLockName(RUN_ID)
  const server = net.createServer((socket) => socket.destroy())
  server.on('error', () => undefined)
  server.listen(lockAddress(name))
  server.unref()
  held.set(name, { server, owner: 'run' })
  return RUN_ID
}

/** True when run `runId` is alive (this process, or another process holding its run lock). */
export async function isRunAlive(runId: string): Promise<boolean> {
  if (runId === RUN_ID) return true
  return (await lockHolder(runLockName(runId))) !== null
}
