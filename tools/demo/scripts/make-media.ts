// The demo's media files, drawn here rather than downloaded: three photos (JPEG, PNG, WebP),
// a WebP sticker with transparency, and a one-page PDF invoice; the voice note comes from
// make-voice-note.py (run it first when it should change). Then writes media/manifest.json:
// the provider media id of each file with its type, size and SHA-256, which the provider
// sandbox (scripts/provider-sandbox.mjs) serves and the demo data (src/media.ts) sends.
//
//   node tools/demo/scripts/make-media.ts    (Node 24 runs TypeScript by stripping the types)
//
// The outputs are committed, so neither the demo nor the sandbox needs this at run time.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import sharp, { type Sharp } from 'sharp';

const dir = new URL('../media/', import.meta.url);

/** A squashed parcel with a torn corner on a doorstep: what a complaint photo looks like. */
const parcelSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="720">
  <defs>
    <linearGradient id="floor" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#9aa3ab"/><stop offset="1" stop-color="#5d646b"/>
    </linearGradient>
    <linearGradient id="box" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#d9a766"/><stop offset="1" stop-color="#a8743a"/>
    </linearGradient>
  </defs>
  <rect width="960" height="720" fill="url(#floor)"/>
  <rect y="0" width="960" height="250" fill="#c9c2b4"/>
  <ellipse cx="480" cy="600" rx="330" ry="50" fill="#3b3f44" opacity="0.45"/>
  <polygon points="190,300 620,260 780,330 770,590 330,630 180,560" fill="url(#box)"/>
  <polygon points="190,300 620,260 780,330 350,370" fill="#e6bb80"/>
  <polygon points="350,370 780,330 770,590 330,630" fill="#b9844a"/>
  <rect x="430" y="292" width="70" height="330" fill="#c9a46a" transform="rotate(-6 465 450)"/>
  <polyline points="560,400 600,440 585,470 640,520 625,560" stroke="#5a3b16" stroke-width="9" fill="none"/>
  <polygon points="700,340 780,330 775,420 735,400" fill="#6e4a22"/>
  <rect x="230" y="420" width="90" height="60" fill="#f4f1ea" transform="rotate(-4 275 450)"/>
</svg>`;

/** A shipping label, close up (bars and blocks; no text, so no fonts are needed). */
const labelSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800">
  <rect width="600" height="800" fill="#8d7b63"/>
  <rect x="60" y="70" width="480" height="660" rx="12" fill="#fbfaf6"/>
  <rect x="100" y="110" width="200" height="28" fill="#222"/>
  <rect x="100" y="160" width="380" height="14" fill="#777"/>
  <rect x="100" y="186" width="320" height="14" fill="#777"/>
  <rect x="100" y="212" width="260" height="14" fill="#777"/>
  ${Array.from({ length: 46 }, (_, i) => {
    const w = [3, 6, 2, 4, 8, 3][i % 6]!;
    return `<rect x="${100 + i * 8.4}" y="300" width="${w}" height="170" fill="#111"/>`;
  }).join('')}
  <rect x="100" y="520" width="120" height="120" fill="#111"/>
  <rect x="116" y="536" width="88" height="88" fill="#fbfaf6"/>
  <rect x="136" y="556" width="48" height="48" fill="#111"/>
  <rect x="260" y="540" width="220" height="16" fill="#999"/>
  <rect x="260" y="570" width="180" height="16" fill="#999"/>
</svg>`;

/** A water filter jug on a kitchen counter. */
const productSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800">
  <defs>
    <radialGradient id="light" cx="0.3" cy="0.2" r="0.9">
      <stop offset="0" stop-color="#f6f3ee"/><stop offset="1" stop-color="#c7d3db"/>
    </radialGradient>
  </defs>
  <rect width="800" height="800" fill="url(#light)"/>
  <rect y="560" width="800" height="240" fill="#e1d7c6"/>
  <path d="M270 200 L520 200 L540 600 L250 600 Z" fill="#9fd4ee" opacity="0.75"/>
  <path d="M290 340 L510 340 L530 590 L260 590 Z" fill="#3aa0d8" opacity="0.55"/>
  <path d="M520 250 C640 260 640 470 530 480" stroke="#5c6770" stroke-width="26" fill="none"/>
  <rect x="255" y="170" width="280" height="40" rx="10" fill="#46525c"/>
  <rect x="330" y="215" width="130" height="120" rx="16" fill="#eef2f4" opacity="0.9"/>
</svg>`;

/** A round, waving sun with a face: the kind of sticker customers send, transparent around. */
const stickerSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512">
  ${Array.from({ length: 12 }, (_, i) => {
    const a = (i * Math.PI) / 6;
    const x = 256 + Math.cos(a) * 215;
    const y = 256 + Math.sin(a) * 215;
    return `<line x1="256" y1="256" x2="${x.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#ffb300" stroke-width="34" stroke-linecap="round"/>`;
  }).join('')}
  <circle cx="256" cy="256" r="150" fill="#ffd54f" stroke="#ff8f00" stroke-width="10"/>
  <circle cx="205" cy="225" r="20" fill="#3e2723"/>
  <circle cx="307" cy="225" r="20" fill="#3e2723"/>
  <path d="M185 295 Q256 370 327 295" stroke="#3e2723" stroke-width="16" fill="none" stroke-linecap="round"/>
  <circle cx="170" cy="290" r="22" fill="#ff8a65" opacity="0.7"/>
  <circle cx="342" cy="290" r="22" fill="#ff8a65" opacity="0.7"/>
</svg>`;

const svg = (s: string): Sharp => sharp(Buffer.from(s));

async function invoice(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  // Fixed metadata: the same script run again writes the same bytes.
  const at = new Date('2026-11-04T09:30:00Z');
  doc.setTitle('Rechnung 4713');
  doc.setAuthor('Beispiel Versand GmbH');
  doc.setCreator('tools/demo/scripts/make-media.ts');
  doc.setProducer('pdf-lib');
  doc.setCreationDate(at);
  doc.setModificationDate(at);
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const text = (s: string, x: number, y: number, o: { size?: number; bold?: boolean } = {}) =>
    page.drawText(s, {
      x,
      y,
      size: o.size ?? 11,
      font: o.bold ? bold : font,
      color: rgb(0.1, 0.1, 0.1),
    });
  page.drawRectangle({ x: 0, y: 772, width: 595, height: 70, color: rgb(0.13, 0.36, 0.55) });
  page.drawText('Beispiel Versand GmbH', {
    x: 50,
    y: 800,
    size: 20,
    font: bold,
    color: rgb(1, 1, 1),
  });
  text('Rechnung Nr. 4713', 50, 720, { size: 16, bold: true });
  text('Rechnungsdatum: 04.11.2026', 50, 698);
  text('Kundennummer: 100-2207', 50, 682);
  text('Jürgen Weiß, Müllerstraße 12, 80469 München', 50, 650);
  const rows = [
    ['Pos.', 'Artikel', 'Menge', 'Preis'],
    ['1', 'Wasserfilter-Kanne 2,4 l', '1', '34,90 €'],
    ['2', 'Filterkartuschen (3er-Pack)', '2', '2 × 17,50 €'],
    ['3', 'Versand', '1', '4,90 €'],
  ];
  rows.forEach((r, i) => {
    const y = 590 - i * 24;
    const o = { bold: i === 0 };
    text(r[0]!, 50, y, o);
    text(r[1]!, 90, y, o);
    text(r[2]!, 380, y, o);
    text(r[3]!, 450, y, o);
  });
  page.drawLine({ start: { x: 50, y: 480 }, end: { x: 545, y: 480 }, thickness: 1 });
  text('Summe (inkl. 19 % MwSt.)', 90, 456, { bold: true });
  text('74,80 €', 450, 456, { bold: true });
  text('Zahlbar innerhalb von 14 Tagen ohne Abzug.', 50, 400);
  text('Vielen Dank für Ihre Bestellung!', 50, 380);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

// The provider media ids the demo sends: fixed, so the sandbox and the demo agree.
const FILES: Array<{ id: string; file: string; make?: () => Promise<Buffer> }> = [
  {
    id: '9100000000000001',
    file: 'photo-parcel.jpg',
    make: () => svg(parcelSvg).jpeg({ quality: 78, mozjpeg: true }).toBuffer(),
  },
  {
    id: '9100000000000002',
    file: 'photo-label.png',
    make: () => svg(labelSvg).png({ palette: true, colours: 32 }).toBuffer(),
  },
  {
    id: '9100000000000003',
    file: 'photo-product.webp',
    make: () => svg(productSvg).webp({ quality: 75 }).toBuffer(),
  },
  {
    id: '9100000000000004',
    file: 'sticker-sun.webp',
    make: () => svg(stickerSvg).webp({ quality: 80, alphaQuality: 90 }).toBuffer(),
  },
  { id: '9100000000000005', file: 'invoice-4713.pdf', make: invoice },
  // Made by make-voice-note.py.
  { id: '9100000000000006', file: 'voice-note.ogg' },
];

const MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  pdf: 'application/pdf',
  ogg: 'audio/ogg; codecs=opus',
};

const manifest: Array<Record<string, unknown>> = [];
for (const f of FILES) {
  const path = new URL(f.file, dir);
  if (f.make) writeFileSync(path, await f.make());
  const bytes = readFileSync(path);
  manifest.push({
    id: f.id,
    file: f.file,
    mimeType: MIME[f.file.slice(f.file.lastIndexOf('.') + 1)],
    sizeBytes: bytes.length,
    sha256Hex: createHash('sha256').update(bytes).digest('hex'),
  });
  process.stdout.write(`${f.file}: ${bytes.length} bytes\n`);
}
writeFileSync(new URL('manifest.json', dir), `${JSON.stringify(manifest, null, 2)}\n`);
