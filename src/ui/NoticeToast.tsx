import { useEffect } from 'react';
import { useAppStore } from '../state/store';

export function NoticeToast() {
  const notice = useAppStore((s) => s.notice);
  const dismiss = useAppStore((s) => s.dismissNotice);
  useEffect(() => {
    if (!notice || notice.tone === 'error') return;
    const t = setTimeout(dismiss, 8000);
    return () => clearTimeout(t);
  }, [notice, dismiss]);
  return (
    <div role="status" aria-live="polite">
      {notice && (
        <div className={`notice ${notice.tone}`}>
          <span>{notice.message}</span>
          <button type="button" className="btn" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
