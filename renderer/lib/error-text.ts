/**
 * User-facing text for every {@link ErrorCode}: the renderer's ONE switch over error codes
 * (../shared/STYLE.md, "Errors": renderer). Adding a code to `electron/shared/error-codes.ts`
 * makes this file fail to type-check until the new code has its words.
 */
import type { ErrorDto } from '../../electron/shared/error-codes.ts'
import { assertNever } from './assert-never.ts'

/**
 * Turns an error from main into one or two plain sentences for people.
 *
 * The text says what happened and, where there is one, what to do. Main's `message` is shown only
 * where it carries the specific detail (a page-range part, a server's own words).
 *
 * @param error the `ErrorDto` from a failed `Result` or a failed job.
 */
export function errorText(error: ErrorDto): string {
  const { code } = error
  switch (code) {
    case 'pdfco/unauthorized':
      return 'PDF.co did not accept the API key. Check the key in Settings.'
    case 'pdfco/no-credits':
      return 'Your PDF.co account has run out of credits. Add credits at app.pdf.co, then retry.'
    case 'pdfco/rate-limited':
      return 'PDF.co is limiting requests right now. Wait a moment, then retry.'
    case 'pdfco/password':
      return 'PDF.co could not open the PDF: it needs a password, or the password is wrong.'
    case 'pdfco/damaged-input':
      return 'PDF.co could not read this PDF: it looks damaged.'
    case 'pdfco/page-range':
      return `PDF.co refused the page range: ${error.message}`
    case 'pdfco/bad-request':
      return `PDF.co refused the request: ${error.message}`
    case 'pdfco/server':
      return 'PDF.co had a server problem. Retry in a little while.'
    case 'pdfco/job-failed':
      return 'The conversion failed on PDF.co.'
    case 'pdfco/job-aborted':
      return 'PDF.co stopped the conversion before it finished.'
    case 'pdfco/job-unknown':
      return 'PDF.co lost track of the conversion job.'
    case 'pdfco/timeout':
      return 'PDF.co took too long to answer.'
    case 'pdfco/network':
      return 'Could not reach PDF.co. Check your internet connection (or the base URL in Settings).'
    case 'pdfco/bad-response':
      return 'PDF.co sent an answer this app does not understand.'
    case 'file/not-found':
      return 'The file is no longer there (moved or deleted).'
    case 'file/not-pdf':
      return 'Not a PDF: the file’s content is not a PDF document.'
    case 'file/empty':
      return 'The file is empty (0 bytes).'
    case 'file/unreadable':
      return 'The file could not be read (check its permissions).'
    case 'file/password-required':
      return 'This PDF is protected: enter its password.'
    case 'file/wrong-password':
      return 'Wrong password. Try again.'
    case 'file/damaged':
      return 'The PDF is damaged and cannot be opened.'
    case 'file/exists':
      return 'Already added.'
    case 'file/write-failed':
      return 'Could not write the image to the output folder.'
    case 'file/no-space':
      return 'The disk is full: free some space, then retry.'
    case 'input/page-range':
      return `Page range: ${error.message}`
    case 'input/invalid':
      return error.message
    case 'ipc/bad-args':
      return 'The app sent a malformed request (a bug). Please report it with the log file.'
    case 'ipc/forbidden':
      return 'The request was refused for security reasons.'
    case 'cancelled':
      return 'Cancelled.'
    case 'internal':
      return 'Something went wrong inside the app (a bug). Please report it with the log file.'
    default:
      return assertNever(code, 'error code')
  }
}
