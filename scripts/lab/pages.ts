/** Content served by the lab origins: a few-KB HTML page per site, and shared media files. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { MEDIA_FILES } from './constants.ts';
import type { Origin } from './sites.ts';

const SENTENCES = [
  'Officials said the plan would be reviewed again next month after consultations with stakeholders.',
  'Residents in several neighbourhoods reported long queues since early morning.',
  'Analysts expect the trend to continue through the end of the quarter, barring any surprises.',
  'The committee met for three hours and agreed to publish its findings in a public report.',
  'Traders in the old city described the week as slow but steady.',
  'A spokesperson declined to give a timeline but promised regular updates.',
  'Students and teachers welcomed the announcement, while parents asked for clearer guidance.',
  'The figures were compiled from provincial data released earlier in the week.',
  'Engineers said repairs should be complete before the weekend if the weather holds.',
  'Observers noted a sharp increase in online interest after the first reports appeared.',
  'The organisers thanked volunteers who worked through the night to prepare the venue.',
  'Local businesses said connectivity problems had affected card payments for several hours.',
];

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function paragraph(seed: string): string {
  const h = hash(seed);
  return Array.from({ length: 3 }, (_, i) => SENTENCES[(h + i * 7) % SENTENCES.length]).join(' ');
}

export function renderPage(name: string, origin: Origin, section = ''): string {
  const title = section ? `${origin.title} - ${section}` : origin.title;
  const items = Array.from({ length: 8 }, (_, i) => origin.headlines[i % origin.headlines.length]);
  const articles = items
    .map(
      (h, i) =>
        `<article id="story-${i + 1}">\n<h2>${escapeHtml(h)}</h2>\n<p>${paragraph(`${name}${section}${i}`)}</p>\n</article>`,
    )
    .join('\n');
  const lang = /[\u0600-\u06ff]/.test(title) ? 'ur' : 'en';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="raabta-lab-site" content="${name}">
<style>body{font-family:sans-serif;margin:0 auto;max-width:60em}header{border-bottom:1px solid #ccc}article{margin:1em 0}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1>
<nav><a href="/">Home</a> | <a href="/pakistan">Pakistan</a> | <a href="/world">World</a> | <a href="/business">Business</a> | <a href="/sport">Sport</a></nav>
</header>
<main>
${articles}
</main>
<footer><p>&copy; ${name}. Lab copy served by the Raabta censor lab; all stories are fictional.</p></footer>
</body>
</html>
`;
}

/** Write www/<name>/index.html for every name (plus /urdu for www.bbc.com) and www/_shared/media/*. */
export function writeContent(wwwDir: string, origins: Origin[]): void {
  for (const origin of origins) {
    for (const name of origin.names) {
      mkdirSync(`${wwwDir}/${name}`, { recursive: true });
      writeFileSync(`${wwwDir}/${name}/index.html`, renderPage(name, origin));
      if (name === 'www.bbc.com') {
        mkdirSync(`${wwwDir}/${name}/urdu`, { recursive: true });
        writeFileSync(`${wwwDir}/${name}/urdu/index.html`, renderPage(name, origin, 'BBC News اردو'));
      }
    }
  }
  mkdirSync(`${wwwDir}/_shared/media`, { recursive: true });
  for (const [path, size] of Object.entries(MEDIA_FILES))
    writeFileSync(`${wwwDir}/_shared${path}`, randomBytes(size));
}

export const BLOCKPAGE_HTML = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>Surf Safely!</title></head>
<body style="font-family:sans-serif;text-align:center">
<h1>Surf Safely!</h1>
<p>This website is not accessible.</p>
<p>The site you are trying to access contains content that is prohibited for viewership from within Pakistan.</p>
<p>Pakistan Telecommunication Authority</p>
</body>
</html>
`;
