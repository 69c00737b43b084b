import { useEffect, useId, useRef, useState } from 'react';
import { useAppStore } from '../state/store';

/** A menu button listing one preset per scenario, each with its one-line description. */
export function PresetsMenu() {
  const presets = useAppStore((s) => s.presets);
  const loadPreset = useAppStore((s) => s.loadPreset);
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    wrap.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const items = [...(wrap.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      setOpen(false);
      button.current?.focus();
    } else if (e.key === 'ArrowDown') items[(i + 1) % items.length]?.focus();
    else if (e.key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus();
    else return;
    e.preventDefault();
  };

  return (
    <div className="menu-wrap" ref={wrap} onKeyDown={onKeyDown}>
      <button ref={button} type="button" className="btn" aria-haspopup="menu" aria-expanded={open} aria-controls={menuId} onClick={() => setOpen(!open)}>
        Presets
        <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
          <path d="M1 3l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
      </button>
      {open && (
        <ul className="menu" role="menu" id={menuId} aria-label="Presets">
          {presets.map((p) => (
            <li key={p.id} role="none">
              <button
                type="button"
                role="menuitem"
                onClick={() => {
                  loadPreset(p.id, p.text, p.scenario);
                  setOpen(false);
                  button.current?.focus();
                }}
              >
                <span className="title">{p.title}</span>
                {p.description && <span className="desc">{p.description}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
