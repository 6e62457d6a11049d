/**
 * Batch-level reservation of output names: within one batch (one CLI run, one "Convert" in the
 * app) no two images ever get the same name, and "overwrite" replaces only files that were there
 * before the batch, never a file the batch itself wrote.
 *
 * Names are compared after Unicode NFC normalisation and case folding, so `Report-1.png` and
 * `report-1.png` are one name (they are one file on APFS and NTFS, the default disks of macOS and
 * Windows); legalised names are compared (`a:b.pdf` and `a_b.pdf` both give `a_b-1.png`).
 *
 * Each source keeps its pages together: sources whose stems are equal (after folding) are numbered
 * in the order they join the batch, and the n-th one prefers the ` (n)` variant of every name
 * (`report-1.png` … for the first, `report-1 (2).png` … for the second). A name another source
 * claimed (e.g. a TIFF range name `x-02-04.tif` of `x.pdf` equal to page 4 of `x-02.pdf`) moves
 * on to the next free variant.
 */
import path from 'node:path'
import { collisionVariant, sourceStem } from './output-names.ts'

/** Highest ` (n)` variant tried before giving up. */
export const MAX_NAME_VARIANTS = 9999

/** The comparison key of a name: NFC, then Unicode default case folding (lower-case of upper-case). */
export function foldName(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC')
}

/** The per-batch registry of claimed output names (see the module comment). */
export class OutputBatch {
  /** folded `dir/name` → the source that claimed it. */
  private readonly claimed = new Map<string, string>()
  /** folded stem → sources in join order. */
  private readonly byStem = new Map<string, string[]>()

  /**
   * Adds a source to the batch (idempotent). Call it for every input in input order before the
   * conversions start, so equal stems are numbered by input order rather than by finishing order.
   */
  register(sourcePath: string): void {
    const stem = foldName(sourceStem(sourcePath))
    const list = this.byStem.get(stem) ?? []
    if (!list.includes(sourcePath)) list.push(sourcePath)
    this.byStem.set(stem, list)
  }

  /** 1-based rank of `sourcePath` among the batch's sources with the same folded stem. */
  private rankOf(sourcePath: string): number {
    this.register(sourcePath)
    const list = this.byStem.get(foldName(sourceStem(sourcePath))) ?? []
    return list.indexOf(sourcePath) + 1
  }

  /** True when variant `n` of this stem is the preferred variant of another source. */
  private reservedForOther(sourcePath: string, n: number): boolean {
    const list = this.byStem.get(foldName(sourceStem(sourcePath))) ?? []
    const owner = list[n - 1]
    return owner !== undefined && owner !== sourcePath
  }

  private key(dir: string, name: string): string {
    return foldName(path.join(path.resolve(dir), name))
  }

  /**
   * The candidate names for one image of `sourcePath`, best first: its preferred variant, then
   * the following ones, skipping names this batch already gave to another source (and variants
   * reserved for another source with the same stem). The caller tries them in order (on disk:
   * hard link without overwrite, rename with overwrite) and calls {@link claim} with the one used.
   */
  *candidates(dir: string, name: string, sourcePath: string): Generator<string> {
    const first = this.rankOf(sourcePath)
    for (let n = first; n <= MAX_NAME_VARIANTS; n++) {
      if (n !== first && this.reservedForOther(sourcePath, n)) continue
      const candidate = collisionVariant(name, n)
      const owner = this.claimed.get(this.key(dir, candidate))
      if (owner !== undefined && owner !== sourcePath) continue
      yield candidate
    }
  }

  /** True when `dir/name` was written by this batch (for any source). */
  isClaimed(dir: string, name: string): boolean {
    return this.claimed.has(this.key(dir, name))
  }

  /** Records `dir/name` as written by `sourcePath` in this batch. */
  claim(dir: string, name: string, sourcePath: string): void {
    this.claimed.set(this.key(dir, name), sourcePath)
  }

  /** Drops a claim made by {@link claim} whose write failed. */
  unclaim(dir: string, name: string): void {
    this.claimed.delete(this.key(dir, name))
  }

  /**
   * Claims a file written before this batch started that still belongs to it (e.g. a page a
   * resumed run keeps), so no other source of the batch replaces it.
   */
  claimPath(filePath: string, sourcePath: string): void {
    this.claim(path.dirname(filePath), path.basename(filePath), sourcePath)
  }
}
