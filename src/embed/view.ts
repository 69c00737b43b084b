/**
 * The embed's chrome, in plain DOM (no React: the embed stays small): the graph, a caption for
 * the current hop, small controls and a link to the full app. Text goes in through textContent
 * only; names in the caption come from the user's manifests.
 */
import type { Hop, Verdict } from '../engine/walk/types';
import { KIND_LABEL, VERDICT_TEXT, whereOf } from '../ui/hop-format';

export interface EmbedViewHandlers {
  playPause(): void;
  step(delta: number): void;
}

export interface EmbedView {
  svg: SVGSVGElement;
  showHop(index: number, hops: Hop[], verdict: Verdict | undefined, reply: boolean): void;
  setPlaying(playing: boolean): void;
  setAppLink(href: string | null): void;
  showError(message: string | null): void;
}

const ICONS = {
  back: 'M4 3h2v10H4zM13 3v10L7 8z',
  forward: 'M10 3h2v10h-2zM3 3v10l6-5z',
  play: 'M4 2.5v11l9-5.5z',
  pause: 'M4 3h3v10H4zM9 3h3v10H9z',
};

/** Icons are drawn, not typed: symbol glyphs are missing from many system fonts. */
function setIcon(b: HTMLButtonElement, d: string): void {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '14');
  svg.setAttribute('height', '14');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  b.replaceChildren(svg);
}

function button(label: string, icon: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'embed-btn';
  b.setAttribute('aria-label', label);
  b.title = label;
  setIcon(b, icon);
  b.addEventListener('click', onClick);
  return b;
}

export function createEmbedView(root: HTMLElement, controls: boolean, on: EmbedViewHandlers): EmbedView {
  root.className = 'embed';
  const stage = document.createElement('div');
  stage.className = 'embed-stage';
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Cluster topology');
  stage.append(svg);

  const bar = document.createElement('div');
  bar.className = 'embed-bar';
  const back = button('Step back', ICONS.back, () => on.step(-1));
  const play = button('Play', ICONS.play, () => on.playPause());
  const forward = button('Step forward', ICONS.forward, () => on.step(1));
  const caption = document.createElement('p');
  caption.className = 'embed-caption';
  caption.setAttribute('aria-live', 'polite');
  const count = document.createElement('span');
  count.className = 'embed-count';
  const kind = document.createElement('span');
  kind.className = 'embed-kind';
  const text = document.createElement('span');
  text.className = 'embed-explain';
  caption.append(count, kind, text);
  const open = document.createElement('a');
  open.className = 'embed-open';
  open.target = '_blank';
  open.rel = 'noopener';
  open.textContent = 'Open in PacketWalk ↗';
  open.hidden = true;
  if (controls) bar.append(back, play, forward);
  bar.append(caption, open);

  const error = document.createElement('div');
  error.className = 'embed-error';
  error.setAttribute('role', 'alert');
  error.hidden = true;

  root.replaceChildren(stage, bar, error);

  return {
    svg,
    showHop(index, hops, verdict, reply) {
      const hop = hops[index];
      if (!hop) {
        count.textContent = '';
        kind.textContent = '';
        text.textContent = '';
        return;
      }
      const last = index === hops.length - 1;
      count.textContent = `${reply ? 'Reply ' : ''}${index + 1}/${hops.length}`;
      kind.textContent = KIND_LABEL[hop.kind];
      kind.dataset.kind = hop.kind;
      text.textContent = `${whereOf(hop)}: ${hop.explain}${last && verdict ? ` — ${VERDICT_TEXT[verdict]}` : ''}`;
      back.disabled = index === 0;
      forward.disabled = last;
    },
    setPlaying(playing) {
      setIcon(play, playing ? ICONS.pause : ICONS.play);
      play.setAttribute('aria-label', playing ? 'Pause' : 'Play');
      play.title = playing ? 'Pause' : 'Play';
    },
    setAppLink(href) {
      open.hidden = href === null;
      if (href) open.href = href;
    },
    showError(message) {
      error.hidden = message === null;
      error.textContent = message ?? '';
    },
  };
}
