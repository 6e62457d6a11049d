// Renders build/icon.svg to build/icon.png (1024x1024), the single source electron-builder turns
// into .icns (macOS), .ico (Windows) and the Linux icon set. Run: node build/make-icon.mjs
import path from 'node:path'
import sharp from 'sharp'

const dir = import.meta.dirname
await sharp(path.join(dir, 'icon.svg'), { density: 144 })
  .resize(1024, 1024)
  .png({ compressionLevel: 9 })
  .toFile(path.join(dir, 'icon.png'))
console.log('wrote build/icon.png')
