/**
 * An enrollment file the relay just made (a new site, or a new file for one), offered for
 * download. Made in the browser as a Blob: nothing else holds it, and it is shown once.
 */
import { Show, createSignal, onCleanup, type Accessor, type JSX } from 'solid-js';
import { t } from './locale.js';
import { fileName } from './enrollment.js';
import type { Created } from './types.js';

export interface Offered {
  readonly name: string;
  readonly url: string;
}

/** The file on offer, and how to offer a new one (the previous one's Blob is let go). */
export function enrollmentOffer(): [Accessor<Offered | undefined>, (created: Created) => void] {
  const [offered, setOffered] = createSignal<Offered>();
  const forget = () => {
    const o = offered();
    if (o) URL.revokeObjectURL(o.url);
  };
  onCleanup(forget);
  return [
    offered,
    (created) => {
      forget();
      const url = URL.createObjectURL(new Blob([JSON.stringify(created.enrollment, null, 2)], { type: 'application/json' }));
      setOffered({ name: created.site.name, url });
    },
  ];
}

export function EnrollmentDownload(props: { offered: Offered | undefined; message: (name: string) => string }): JSX.Element {
  return (
    <Show when={props.offered}>
      {(o) => (
        <div class="note" role="status">
          <p>{props.message(o().name)}</p>
          <a class="button primary" href={o().url} download={fileName(o().name)}>
            {t('enroll.download')}
          </a>
        </div>
      )}
    </Show>
  );
}
