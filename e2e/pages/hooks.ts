/** The app's test hooks (declared in src/main.tsx), as far as the browser tests use them. */
interface StoreSnapshot {
  text: string;
  textEdit: 'paste' | 'type';
  setTheme(theme: 'light' | 'dark'): void;
  setText(text: string, how?: 'paste' | 'type'): void;
  hop: number;
  trace: { hops: unknown[] } | null;
  tracing: boolean;
  build: { status: string };
  scenario: { from: string; to: string };
}

declare global {
  interface Window {
    __packetwalk?: {
      crashEngine(): void;
      hangEngine(ms: number): void;
      setDeadline(ms: number): void;
      store: { getState(): StoreSnapshot };
    };
  }
}

export {};
