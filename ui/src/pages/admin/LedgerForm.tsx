/** A ledger entry as a form: to add one, or to correct one (only what changed is sent). */
import { createSignal, type JSX } from 'solid-js';
import { createAction, Field, FormActions, lang, t, ActionForm } from '../../app/index.js';
import { moneyText, parseMoney, today } from '../../forms/index.js';
import type { LedgerLine } from './types.js';

export type EntryFields = Pick<LedgerLine, 'date' | 'label' | 'amountCents' | 'direction' | 'category'>;

interface Props {
  entry?: LedgerLine;
  submitLabel: string;
  save: (fields: EntryFields) => Promise<void>;
  onCancel?: () => void;
}

export function LedgerForm(props: Props): JSX.Element {
  const e0 = props.entry;
  const [date, setDate] = createSignal(e0?.date ?? today());
  const [label, setLabel] = createSignal(e0?.label ?? '');
  const [amount, setAmount] = createSignal(e0 ? moneyText(e0.amountCents, lang()) : '');
  const [direction, setDirection] = createSignal<'receipt' | 'expense'>(e0?.direction ?? 'receipt');
  const [category, setCategory] = createSignal(e0?.category ?? '');
  const run = createAction(async () => {
    const cents = parseMoney(amount());
    if (cents === undefined || cents === 0) throw new Error(t('error.amount'));
    await props.save({ date: date(), label: label().trim(), amountCents: cents, direction: direction(), category: category().trim() });
    if (!e0) {
      setLabel('');
      setAmount('');
    }
  });
  const group = `direction-${e0?.id ?? 'new'}`;
  return (
    <ActionForm run={run.run}>
      <Field label={t('ledger.date')}>{(id) => <input id={id} type="date" required value={date()} onInput={(e) => setDate(e.currentTarget.value)} />}</Field>
      <Field label={t('ledger.label')}>{(id) => <input id={id} required maxlength={200} value={label()} onInput={(e) => setLabel(e.currentTarget.value)} />}</Field>
      <fieldset class="field">
        <legend>{t('ledger.direction')}</legend>
        <label class="choice">
          <input type="radio" name={group} checked={direction() === 'receipt'} onChange={() => setDirection('receipt')} /> {t('ledger.receipt')}
        </label>
        <label class="choice">
          <input type="radio" name={group} checked={direction() === 'expense'} onChange={() => setDirection('expense')} /> {t('ledger.expense')}
        </label>
      </fieldset>
      <Field label={t('ledger.amount')}>{(id) => <input id={id} inputmode="decimal" required value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} />}</Field>
      <Field label={t('ledger.category')}>{(id) => <input id={id} maxlength={100} value={category()} onInput={(e) => setCategory(e.currentTarget.value)} />}</Field>
      <FormActions error={run.error()} busy={run.busy()} submitLabel={props.submitLabel} {...(props.onCancel ? { onCancel: props.onCancel } : {})} />
    </ActionForm>
  );
}
