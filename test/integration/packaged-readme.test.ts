// The README inside the built VSIX, as the Extensions page of an installed copy shows it. That page loads only
// https: and data: images and resolves a relative link against its own page, never the extension's folder, so a
// picture works there only when the README carries it, and a link only when it is on the web or names a heading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { readEntry, zipEntries } from '../../src/core/convert/check/zip';
import { REPO_ROOT } from '../support/fixtures';

const IMAGE = /!\[([^\]]*)\]\(([^)]*)\)/g;
const LINK = /(?<!!)\[[^\]]*\]\(([^)]*)\)/g;
const DATA_PNG = 'data:image/png;base64,';

/** Every file of the built VSIX by its path in the zip, read with the extension's own zip reader. */
async function vsixFiles(): Promise<Map<string, Buffer>> {
  const { name, version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const vsix = path.join(REPO_ROOT, 'out', `${name}-${version}.vsix`);
  assert.ok(existsSync(vsix), `${vsix} is missing: run "npm run package" first (npm test does).`);
  const handle = await open(vsix);
  try {
    const { size } = await handle.stat();
    const files = new Map<string, Buffer>();
    for (const entry of await zipEntries(handle, size)) files.set(entry.name, await readEntry(handle, size, entry));
    return files;
  } finally {
    await handle.close();
  }
}

/** The README VS Code shows for the installed extension: the readme file at the top of its folder. */
function packagedReadme(files: Map<string, Buffer>): { name: string; text: string } {
  const names = [...files.keys()].filter((name) => /^extension\/readme(\.md|\.txt)?$/i.test(name));
  assert.equal(names.length, 1, `one README in the package, found ${JSON.stringify(names)}`);
  return { name: names[0], text: files.get(names[0])!.toString('utf8') };
}

/** The anchors of the README's headings, as GitHub and VS Code's extension page make them. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6} (.+)$/.exec(line);
    if (heading)
      anchors.add(
        heading[1]
          .replace(/`|\*\*/g, '')
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
          .replace(/ /g, '-'),
      );
  }
  return anchors;
}

test("the packaged README carries each of the README's screenshots itself, and otherwise is the README", async () => {
  const files = await vsixFiles();
  const readme = packagedReadme(files);
  const manifest = files.get('extension.vsixmanifest')!.toString('utf8');
  assert.match(manifest, new RegExp(`Type="Microsoft.VisualStudio.Services.Content.Details" Path="${readme.name}"`));
  const source = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const shown = [...source.matchAll(IMAGE)];
  const packaged = [...readme.text.matchAll(IMAGE)];
  assert.ok(shown.length > 0, 'the README shows screenshots');
  assert.equal(packaged.length, shown.length, 'as many images in the packaged README as in the README');
  for (const [i, [, alt, link]] of packaged.entries()) {
    const [, sourceAlt, sourceLink] = shown[i];
    assert.equal(alt, sourceAlt);
    assert.ok(link.startsWith(DATA_PNG), `"${alt}" is a PNG carried in the README, not ${link.slice(0, 80)}`);
    assert.ok(
      Buffer.from(link.slice(DATA_PNG.length), 'base64').equals(readFileSync(path.join(REPO_ROOT, sourceLink))),
      `"${alt}" is the picture of ${sourceLink}`,
    );
  }
  assert.doesNotMatch(readme.text, /<img\b/i, 'no HTML image, which would need the same');
  let i = 0;
  const withLinks = readme.text.replace(IMAGE, (_, alt: string) => `![${alt}](${shown[i++][2]})`);
  assert.equal(withLinks, source, 'apart from its pictures, the packaged README is the README word for word');
});

test('the package holds no other copy of the screenshots', async () => {
  const docs = [...(await vsixFiles()).keys()].filter((name) => name.startsWith('extension/docs/'));
  assert.deepEqual(docs, []);
});

test("every link of the packaged README goes to the web or to one of the README's headings", async () => {
  const { text } = packagedReadme(await vsixFiles());
  const anchors = headingAnchors(text);
  const links = [...text.matchAll(LINK)].map(([, target]) => target);
  assert.ok(links.length > 0, 'the README has links');
  for (const target of links) {
    if (target.startsWith('#')) assert.ok(anchors.has(target.slice(1)), `${target} names a heading of the README`);
    else assert.match(target, /^(https:\/\/|mailto:)/, `${target} leads somewhere from the installed README`);
  }
});
