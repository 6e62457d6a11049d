/**
 * The CLI's `--help` text: usage, options, environment, output and exit codes.
 */
import { DEFAULT_PDFCO_BASE_URL as DEFAULT_BASE_URL } from '../shared/pdfco.ts'
import { LOCAL_DPI_MAX as MAX_DPI, LOCAL_DPI_MIN as MIN_DPI, SCALE_TO_PX_MAX as MAX_SCALE_TO_PX, SCALE_TO_PX_MIN as MIN_SCALE_TO_PX } from '../shared/limits.ts'

/** Printed by `--help` (stdout, exit code 0). */
export const HELP = `Convert PDF pages to images, offline (local engine) or through PDF.co.

Usage: npm run convert -- <pdf or folder>... [options]
       npx tsx electron/cli/main.ts <pdf or folder>... [options]

Arguments:
  <pdf or folder>      PDF files, or folders: a folder stands for the PDFs directly in it
                       (recognised by content: a %PDF- header, whatever the extension; not
                       sub-folders unless --recursive). Files are converted in the order given.
                       Every entry not converted is listed with the reason; files that are
                       not PDFs are named, special files and unreadable ones make exit code 1.
                       Two PDFs with the same name never share an output name: the second
                       one's images are named "name-1 (2).png" and so on.

Options:
  --pages RANGE        pages to convert, 1-based: "1,3-5,8-", "2-last", "last"; whitespace
                       allowed; default: every page. Checked against each file's page count.
  --format FMT         png (default), jpg, webp or tiff. TIFF: one file per page (PDF.co's
                       multi-page file is split on this computer) unless --multi-page-tiff.
  --multi-page-tiff    with --format tiff: one multi-page file per PDF (name.tif, or name-2-4.tif
                       for a page range), with either engine.
  --out DIR            output folder, created if missing. Default: the folder you run the command in.
                       Files are named <pdf name>-<page>.<ext>, the page zero-padded to the
                       width of the page count (tracemonkey-02.png).
  --password PW        open password, used for every PDF that needs one. Other users of this
                       computer can read it in the process list (ps): prefer PDF_PASSWORD or
                       --password-prompt.
  --password-prompt    ask for the open password on the terminal (not echoed). Needs a
                       terminal; otherwise set PDF_PASSWORD.
  --overwrite          replace files that were there before this run (default: keep them and
                       write "name-02 (2).png"); never a file this run wrote.
  --json               print one JSON object per line: {"type":"event",...} for every event,
                       then {"type":"summary",...}. Nothing else is printed on stdout (run
                       npm with -s, "npm run -s convert -- ... --json", or npm adds its banner).
                       The summary's credits: used (what the batch cost: the drop of the balance
                       when PDF.co reported one, else the credits it reported), reported (the sum
                       of the credits in PDF.co's answers), byBalance (the balance's drop, or
                       null) and remaining (the balance left).
  --concurrency N      PDFs converted at once (default 2).
  --chunk-size N       pages per PDF.co job; a long PDF is split into jobs that run in
                       parallel on one upload (default 10).
  --parallel-jobs N    PDF.co jobs at once per PDF (default 3).
  --job-timeout SEC    give up on a PDF.co job still working after SEC seconds (default 1800).
  --recursive          also take PDFs from sub-folders of folder arguments.
  --resume             continue the interrupted or unfinished batch recorded for --out (PDF.co
                       engine): pages already on disk are kept (checked by size and SHA-256),
                       PDF.co jobs whose links are still valid are fetched instead of converted
                       again, the upload is reused while PDF.co keeps it (1 h). Without inputs the
                       batch's files and options are used; with inputs, those.
  --engine NAME        local: render on this computer (PDFium), offline, no key needed;
                       pdfco: convert through the PDF.co Web API (needs PDFCO_API_KEY).
                       Default: pdfco when PDFCO_API_KEY is set, else local.
  -h, --help           show this help.

Local engine only (an error with --engine pdfco; PDF.co renders at its own resolution):
  --dpi N              resolution, ${MIN_DPI}-${MAX_DPI} dots per inch (default 150).
  --scale-to N         instead of --dpi: fit each page's long side to N pixels (${MIN_SCALE_TO_PX}-${MAX_SCALE_TO_PX}).
  --quality N          JPG and WebP quality, 1-100 (default 90).
  --color MODE         color (default), gray (greyscale) or bw (black and white).
  --transparent        transparent background instead of white (png and webp only).
  --workers N          render threads (default and most: the number of CPUs).

Environment:
  PDFCO_API_KEY        your PDF.co API key (needed for --engine pdfco). Never printed.
  PDFCO_BASE_URL       API base URL (default ${DEFAULT_BASE_URL}); point it at the emulator,
                       e.g. http://127.0.0.1:8787/v1 after \`npm run emulator -- --port 8787\`.
  PDF_PASSWORD         open password for PDFs that need one (used unless --password is given);
                       not visible in the process list.
  PDF_TO_IMAGE_STATE_DIR  where PDF.co runs record their progress for --resume (default: the
                       per-user state folder, e.g. ~/.local/state/pdf-to-image/journal). The
                       record holds links and page checksums, never the API key or a password;
                       it is deleted when every file converted.

Output:
  On a terminal a status block is redrawn: per file uploading %, converting (elapsed),
  downloading n/m, done or failed with the reason. Otherwise one line per step.
  A summary ends the run. Completed pages stay on disk if a file fails or you press Ctrl-C;
  unfinished pages leave no partial files.

Exit codes:
  0  every file converted
  1  at least one file failed, or an input was skipped (a FIFO, socket or device, a file that
     cannot be read, a name that is not valid UTF-8); the others were still converted
  2  usage error: bad option, no input, PDFCO_API_KEY missing for --engine pdfco
  130 interrupted (Ctrl-C)
`
