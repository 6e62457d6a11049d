/**
 * Which IPC senders main answers: the main frame of our own windows, showing our own page.
 *
 * Electron security checklist #17 ("Validate the sender of all IPC messages",
 * https://www.electronjs.org/docs/latest/tutorial/security#17-validate-the-sender-of-all-ipc-messages),
 * after GitHub Desktop's `trusted-ipc-sender.ts`: a set of trusted WebContents ids, pruned when a
 * WebContents is destroyed, plus a check that the sending frame is the top frame and its URL is
 * the app's page (the dev server in dev, `dist/index.html` otherwise). Written against small
 * structural types so it runs in plain Node with fake events.
 */

/** The part of a WebFrameMain the check reads. */
export interface SenderFrameLike {
  readonly url: string
  /** null for a top-level frame. */
  readonly parent: unknown
}

/** The part of an IpcMainInvokeEvent the check reads. */
export interface IpcEventLike {
  readonly sender: { readonly id: number }
  /** null when the frame navigated away or was destroyed. */
  readonly senderFrame: SenderFrameLike | null
}

/** The part of a WebContents {@link TrustedSenders.add} needs. */
export interface TrustableWebContents {
  readonly id: number
  once(event: 'destroyed', listener: () => void): unknown
}

/** The trusted sender set. */
export interface TrustedSenders {
  /** Trusts a window's WebContents until it is destroyed. */
  add(webContents: TrustableWebContents): void
  /** True when the event comes from the main frame of a trusted WebContents showing the app's page. */
  isTrusted(event: IpcEventLike): boolean
  /** Ids currently trusted (for tests). */
  readonly ids: ReadonlySet<number>
}

/**
 * Creates a trusted-sender set; `isAppUrl(url)` decides whether a frame URL is the app's page.
 */
export function createTrustedSenders(isAppUrl: (url: string) => boolean): TrustedSenders {
  const ids = new Set<number>()
  return {
    ids,
    add(webContents) {
      const id = webContents.id
      ids.add(id)
      webContents.once('destroyed', () => ids.delete(id))
    },
    isTrusted(event) {
      const frame = event.senderFrame
      if (!ids.has(event.sender.id) || frame === null || frame === undefined) return false
      if (frame.parent !== null) return false
      return isAppUrl(frame.url)
    },
  }
}

/**
 * Builds the `isAppUrl` check: same scheme and host as `devServerUrl` in dev, else exactly the
 * page `indexHtmlUrl` (e.g. `app://bundle/index.html`; query and fragment ignored).
 *
 * Scheme + host are compared rather than `URL.origin`, which Node reports as 'null' for custom
 * schemes.
 */
export function appUrlMatcher(options: { readonly devServerUrl?: string | undefined; readonly indexHtmlUrl: string }): (url: string) => boolean {
  const dev = options.devServerUrl === undefined || options.devServerUrl === '' ? null : new URL(options.devServerUrl)
  const index = new URL(options.indexHtmlUrl)
  const sameSite = (a: URL, b: URL): boolean => a.protocol === b.protocol && a.host === b.host
  return (url) => {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return false
    }
    if (dev !== null) return sameSite(parsed, dev)
    return sameSite(parsed, index) && parsed.pathname === index.pathname
  }
}
