import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useAppStore } from '../../state/store';
import { copyText, downloadBlob, exportName } from '../export/download';
import { exportPng } from '../export/frame';
import { appLinkOf, currentFragment, embedLinkOf, LONG_LINK_CHARS } from './share-link';
import { htmlSnippet, iframeSnippet } from './snippets';
import './share.css';

/** The Share button in the top bar, and the dialog it opens. */
export function ShareButton() {
  const [open, setOpen] = useState(false);
  const ready = useAppStore((s) => s.layout !== null && s.scenario.from !== '' && s.scenario.to !== '');
  return (
    <>
      <button type="button" className="btn" aria-haspopup="dialog" disabled={!ready} onClick={() => setOpen(true)}>
        Share
      </button>
      {open && <ShareDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function ShareDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [fragment, setFragment] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [size, setSize] = useState({ width: 800, height: 450 });
  const [autoplay, setAutoplay] = useState(true);
  const [loop, setLoop] = useState(true);
  const [preview, setPreview] = useState('packetwalk-preview.png');
  const scenario = useAppStore((s) => s.scenario);
  const verdict = useAppStore((s) => s.trace?.verdict);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) d.showModal();
    const onCloseEvent = () => onClose();
    d.addEventListener('close', onCloseEvent);
    void currentFragment().then(setFragment);
    return () => d.removeEventListener('close', onCloseEvent);
  }, [onClose]);

  const link = fragment ? appLinkOf(fragment) : '';
  const embed = fragment ? embedLinkOf(fragment, { autoplay, loop }) : '';
  const title = `PacketWalk: ${scenario.from} → ${scenario.to}${verdict ? ` (${verdict})` : ''}`;
  const iframe = useMemo(() => (embed ? iframeSnippet(embed, size.width, size.height, title) : ''), [embed, size, title]);
  const html = useMemo(() => (link ? htmlSnippet(link, preview, size.width, size.height, title) : ''), [link, preview, size, title]);
  const long = link.length > LONG_LINK_CHARS;

  const copy = async (text: string, what: string) => setStatus((await copyText(text)) ? `${what} copied.` : `Could not copy: select the text and copy it by hand.`);
  const downloadManifests = () => {
    const s = useAppStore.getState();
    downloadBlob(new Blob([s.text], { type: 'application/yaml' }), exportName(s.scenario.from, s.scenario.to, 'yaml'));
    setStatus('Manifests downloaded.');
  };
  const downloadPreview = async () => {
    setStatus('Rendering the preview image…');
    try {
      const s = useAppStore.getState();
      downloadBlob(await exportPng(1), preview.split('/').pop() || exportName(s.scenario.from, s.scenario.to, 'png'));
      setStatus('Preview image downloaded.');
    } catch (e) {
      setStatus(`The preview image could not be made: ${String(e)}`);
    }
  };
  const num = (v: string, fallback: number) => {
    const n = Math.round(Number(v));
    return Number.isFinite(n) && n >= 200 && n <= 4000 ? n : fallback;
  };

  return (
    <dialog ref={ref} className="share-dialog" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId}>Share</h2>
        <button type="button" className="btn icon" aria-label="Close" onClick={() => ref.current?.close()}>
          ×
        </button>
      </header>
      <section aria-label="Link">
        <h3>Link</h3>
        <p className="hint">Opens this cluster, this scenario and this hop. Everything is in the link: nothing is uploaded.</p>
        <div className="row">
          <input readOnly aria-label="Share link" value={link || 'Preparing…'} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="btn primary" disabled={!link} onClick={() => void copy(link, 'Link')}>
            Copy link
          </button>
        </div>
        <p className={long ? 'length long' : 'length'}>
          {link ? `${link.length.toLocaleString('en')} characters.` : ''}
          {long && ` Many chat tools and tickets cut links longer than ${LONG_LINK_CHARS.toLocaleString('en')} characters: send the manifests as a file instead.`}
        </p>
        {long && (
          <button type="button" className="btn" onClick={downloadManifests}>
            Download manifests
          </button>
        )}
      </section>
      <section aria-label="Embed">
        <h3>Embed</h3>
        <div className="row wrap">
          <label className="field">
            <span>Width</span>
            <input type="number" min={200} max={4000} value={size.width} onChange={(e) => setSize({ ...size, width: num(e.target.value, size.width) })} />
          </label>
          <label className="field">
            <span>Height</span>
            <input type="number" min={200} max={4000} value={size.height} onChange={(e) => setSize({ ...size, height: num(e.target.value, size.height) })} />
          </label>
          <label className="check">
            <input type="checkbox" checked={autoplay} onChange={(e) => setAutoplay(e.target.checked)} /> Autoplay
          </label>
          <label className="check">
            <input type="checkbox" checked={loop} onChange={(e) => setLoop(e.target.checked)} /> Loop
          </label>
        </div>
        <textarea readOnly aria-label="Embed code" rows={3} value={iframe} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="btn" disabled={!iframe} onClick={() => void copy(iframe, 'Embed code')}>
          Copy embed code
        </button>
      </section>
      <section aria-label="HTML without scripts">
        <h3>Image link (for sites that remove iframes)</h3>
        <p className="hint">A picture of this hop that opens the trace when clicked. Upload the preview image where the page can load it and put its address here.</p>
        <label className="field">
          <span>Preview image URL</span>
          <input value={preview} onChange={(e) => setPreview(e.target.value)} />
        </label>
        <textarea readOnly aria-label="HTML code" rows={3} value={html} onFocus={(e) => e.currentTarget.select()} />
        <div className="row">
          <button type="button" className="btn" disabled={!html} onClick={() => void copy(html, 'HTML')}>
            Copy HTML
          </button>
          <button type="button" className="btn" onClick={() => void downloadPreview()}>
            Download preview image
          </button>
        </div>
      </section>
      <p role="status" className="share-status">
        {status}
      </p>
    </dialog>
  );
}
