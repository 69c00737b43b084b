import { describe, expect, it } from 'vitest';
import { readCommand } from './messages';
import { parseEmbedOptions } from './options';

describe('embed options', () => {
  it('defaults: autoplay with controls, no loop, 1×, the hop and theme of the link', () => {
    expect(parseEmbedOptions('')).toEqual({ autoplay: true, loop: false, speed: 1, step: null, theme: null, controls: true });
  });

  it('reads every option', () => {
    expect(parseEmbedOptions('?autoplay=0&loop=1&speed=2&step=4&theme=dark&controls=false')).toEqual({ autoplay: false, loop: true, speed: 2, step: 4, theme: 'dark', controls: false });
    expect(parseEmbedOptions('?loop&autoplay=no').loop).toBe(true);
  });

  it('falls back to defaults on values it cannot use', () => {
    expect(parseEmbedOptions('?speed=100&step=0&theme=neon&autoplay=maybe')).toEqual({ autoplay: true, loop: false, speed: 1, step: null, theme: null, controls: true });
    expect(parseEmbedOptions('?speed=abc&step=2.5').speed).toBe(1);
    expect(parseEmbedOptions('?step=2.5').step).toBeNull();
  });
});

describe('embed commands', () => {
  const m = (o: object) => ({ source: 'packetwalk', v: 1, ...o });

  it('ignores messages that are not for PacketWalk', () => {
    expect(readCommand('play')).toBeNull();
    expect(readCommand({ type: 'play' })).toBeNull();
    expect(readCommand(null)).toBeNull();
  });

  it('reads each command', () => {
    expect(readCommand(m({ type: 'play' }))).toEqual({ ok: true, command: { type: 'play' } });
    expect(readCommand(m({ type: 'pause' }))).toEqual({ ok: true, command: { type: 'pause' } });
    expect(readCommand(m({ type: 'step' }))).toEqual({ ok: true, command: { type: 'step', delta: 1 } });
    expect(readCommand(m({ type: 'step', delta: -1 }))).toEqual({ ok: true, command: { type: 'step', delta: -1 } });
    expect(readCommand(m({ type: 'seek', hop: 3 }))).toEqual({ ok: true, command: { type: 'seek', hop: 3 } });
    expect(readCommand(m({ type: 'load', fragment: '#v1.abc' }))).toEqual({ ok: true, command: { type: 'load', fragment: '#v1.abc' } });
  });

  it('answers bad commands with a reason', () => {
    expect(readCommand(m({ v: 2, type: 'play' }))).toMatchObject({ ok: false, message: expect.stringContaining('version 2') });
    expect(readCommand(m({ type: 'explode' }))).toMatchObject({ ok: false, message: expect.stringContaining('Unknown command') });
    expect(readCommand(m({ type: 'seek', hop: -1 }))).toMatchObject({ ok: false });
    expect(readCommand(m({ type: 'seek', hop: '3' }))).toMatchObject({ ok: false });
    expect(readCommand(m({ type: 'step', delta: 0.5 }))).toMatchObject({ ok: false });
    expect(readCommand(m({ type: 'load', fragment: 42 }))).toMatchObject({ ok: false });
  });
});
