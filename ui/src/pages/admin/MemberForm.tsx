/** A member's card as a form: to add a member, or to change one (only what changed is sent). */
import { createSignal, type JSX } from 'solid-js';
import { createAction, Field, FormActions, t, ActionForm } from '../../app/index.js';
import { today } from '../../forms/index.js';
import type { Member } from './types.js';

export type MemberFields = Omit<Member, 'id'>;

interface Props {
  member?: Member;
  submitLabel: string;
  save: (fields: MemberFields) => Promise<void>;
  onCancel?: () => void;
}

const text = (v: string | null | undefined) => v ?? '';
const orNull = (s: string) => (s.trim() ? s.trim() : null);

export function MemberForm(props: Props): JSX.Element {
  const m = props.member;
  const blank = () => ({
    firstName: text(m?.firstName),
    lastName: text(m?.lastName),
    email: text(m?.email),
    phone: text(m?.phone),
    town: text(m?.town),
    joinedOn: m?.joinedOn ?? today(),
    role: text(m?.role),
  });
  const [form, setForm] = createSignal(blank());
  const set = (k: keyof ReturnType<typeof blank>) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form(), [k]: e.currentTarget.value });
  const run = createAction(async () => {
    const f = form();
    await props.save({ firstName: f.firstName.trim(), lastName: f.lastName.trim(), email: orNull(f.email), phone: orNull(f.phone), town: orNull(f.town), joinedOn: f.joinedOn, role: f.role.trim() });
    if (!m) setForm(blank());
  });
  return (
    <ActionForm run={run.run}>
      <Field label={t('members.firstName')}>{(id) => <input id={id} required maxlength={100} value={form().firstName} onInput={set('firstName')} />}</Field>
      <Field label={t('members.lastName')}>{(id) => <input id={id} required maxlength={100} value={form().lastName} onInput={set('lastName')} />}</Field>
      <Field label={t('members.town')}>{(id) => <input id={id} maxlength={100} value={form().town} onInput={set('town')} />}</Field>
      <Field label={t('members.phone')}>{(id) => <input id={id} type="tel" maxlength={40} value={form().phone} onInput={set('phone')} />}</Field>
      <Field label={t('members.email')}>{(id) => <input id={id} type="email" maxlength={200} value={form().email} onInput={set('email')} />}</Field>
      <Field label={t('members.role')}>{(id) => <input id={id} maxlength={100} value={form().role} onInput={set('role')} />}</Field>
      <Field label={t('members.joinedOn')}>{(id) => <input id={id} type="date" required value={form().joinedOn} onInput={set('joinedOn')} />}</Field>
      <FormActions error={run.error()} busy={run.busy()} submitLabel={props.submitLabel} {...(props.onCancel ? { onCancel: props.onCancel } : {})} />
    </ActionForm>
  );
}
