/**
 * The HTML a user pastes into a blog, a wiki or a slide tool. Every value is escaped for an HTML
 * attribute: titles come from the user's manifests.
 */
export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A sandboxed iframe: scripts only (no same-origin, no storage), popups to open the full app. */
export function iframeSnippet(src: string, width: number, height: number, title: string): string {
  return `<iframe src="${escapeAttr(src)}" width="${width}" height="${height}" title="${escapeAttr(title)}" loading="lazy" style="border:0;max-width:100%" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>`;
}

/** No script, no iframe: a picture that links to the trace (for platforms that strip both). */
export function htmlSnippet(link: string, image: string, width: number, height: number, title: string): string {
  return `<a href="${escapeAttr(link)}" title="${escapeAttr(title)}"><img src="${escapeAttr(image)}" width="${width}" height="${height}" alt="${escapeAttr(title)}" style="max-width:100%;height:auto"></a>`;
}
