/**
 * PDF.co facts shared by the app, the CLI and the renderer. Pure.
 */

/** PDF.co's API root; PDFCO_BASE_URL or the settings' base URL override it (e.g. the emulator). */
export const DEFAULT_PDFCO_BASE_URL = 'https://api.pdf.co/v1'
