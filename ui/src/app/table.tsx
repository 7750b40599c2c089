/**
 * The pieces of a table of records that heads of an association correct in place (dues,
 * ledger, members): the table with its headings, a row's buttons to correct and remove,
 * and the row under it that holds the correction's form.
 */
import { For, Show, type JSX } from 'solid-js';

export interface Column {
  readonly label: string;
  readonly class?: string;
  /** Said to screen readers only (the buttons' column). */
  readonly hidden?: boolean;
}

export function Table(props: { head: readonly Column[]; children: JSX.Element }): JSX.Element {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <For each={props.head}>
              {(c) => (
                <th scope="col" class={c.class}>
                  {c.hidden ? <span class="visually-hidden">{c.label}</span> : c.label}
                </th>
              )}
            </For>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

interface RowToolsProps {
  /** What the row is, for the buttons' names ("Modifier : Subvention"). */
  readonly what: string;
  readonly editing: boolean;
  readonly onEdit: () => void;
  readonly onRemove: () => void;
  readonly editLabel: string;
  readonly removeLabel: string;
  /** Show ✎ and ✕ (named for screen readers) instead of the words: narrow tables. */
  readonly icons?: boolean;
}

export function RowTools(props: RowToolsProps): JSX.Element {
  return (
    <div class="toolbar">
      <button type="button" aria-expanded={props.editing} onClick={() => props.onEdit()} aria-label={`${props.editLabel} : ${props.what}`}>
        {props.icons ? '✎' : props.editLabel}
      </button>
      <button type="button" onClick={() => props.onRemove()} aria-label={`${props.removeLabel} : ${props.what}`}>
        {props.icons ? '✕' : props.removeLabel}
      </button>
    </div>
  );
}

/** The row under a record, across the table, holding the form that corrects it. */
export function EditRow(props: { open: boolean; span: number; children: JSX.Element }): JSX.Element {
  return (
    <Show when={props.open}>
      <tr>
        <td colSpan={props.span}>{props.children}</td>
      </tr>
    </Show>
  );
}
