/**
 * The demo data, in French, written through the workspace API itself (in-process), so it
 * is made of signed operations like anything a user does, and checked by the same schemas.
 */
import type { Appliance } from '../appliance.js';
import { LocalClient, type LocalResponse } from '../http/local-client.js';

export const DEMO_PASSWORD = 'solidaire2026';

export const DEMO_ACCOUNTS = [
  { username: 'admin', displayName: 'Administrateur de la boîte', what: 'administrateur de la boîte', roles: {} },
  { username: 'awa', displayName: 'Awa Traoré', what: 'responsable du Comité de jumelage Givors–Gavinané', roles: { 'givors-gavinane': 'admin' } },
  { username: 'moussa', displayName: 'Moussa Keïta', what: 'membre du Comité de jumelage', roles: { 'givors-gavinane': 'member' } },
  { username: 'claire', displayName: 'Claire Dubois', what: 'responsable du Secours populaire de Givors', roles: { 'secours-populaire': 'admin' } },
  { username: 'invite', displayName: 'Invité du Comité', what: 'invité (lecture seule) du Comité de jumelage', roles: { 'givors-gavinane': 'guest' } },
] as const;

const GG = 'givors-gavinane';
const SP = 'secours-populaire';

async function ok(res: Promise<LocalResponse>, what: string): Promise<any> {
  const r = await res;
  if (r.status >= 300) throw new Error(`demo seed: ${what} failed (${r.status}): ${r.text}`);
  return r.body;
}

export async function seedDemo(appliance: Appliance): Promise<void> {
  const admin = new LocalClient(appliance);
  await ok(admin.login('admin', DEMO_PASSWORD), 'admin login');
  await ok(admin.post('/api/v1/spaces', { id: GG, name: 'Comité de jumelage Givors–Gavinané' }), 'space');
  await ok(admin.post('/api/v1/spaces', { id: SP, name: 'Secours populaire de Givors' }), 'space');
  for (const a of DEMO_ACCOUNTS.slice(1)) {
    const roles = Object.entries(a.roles).map(([space, role]) => ({ space, role }));
    await ok(admin.post('/api/v1/accounts', { username: a.username, displayName: a.displayName, password: DEMO_PASSWORD, roles }), `account ${a.username}`);
  }

  const awa = new LocalClient(appliance);
  await ok(awa.login('awa', DEMO_PASSWORD), 'awa login');
  const claire = new LocalClient(appliance);
  await ok(claire.login('claire', DEMO_PASSWORD), 'claire login');
  const moussa = new LocalClient(appliance);
  await ok(moussa.login('moussa', DEMO_PASSWORD), 'moussa login');

  await seedCommittee(awa, moussa);
  await seedSecours(claire);
  await seedCommons(awa, claire);
}

async function seedCommittee(awa: LocalClient, moussa: LocalClient): Promise<void> {
  const base = `/api/v1/spaces/${GG}`;
  const members = [
    { firstName: 'Awa', lastName: 'Traoré', town: 'Givors', joinedOn: '2011-03-12', role: 'présidente', email: 'awa.traore@example.org' },
    { firstName: 'Moussa', lastName: 'Keïta', town: 'Grigny', joinedOn: '2013-09-01', role: 'trésorier', phone: '06 12 34 56 78' },
    { firstName: 'Jeanne', lastName: 'Martin', town: 'Givors', joinedOn: '2018-01-20', role: 'secrétaire' },
    { firstName: 'Bakary', lastName: 'Diarra', town: 'Gavinané', joinedOn: '2012-05-05', role: 'correspondant au Mali' },
    { firstName: 'Lucien', lastName: 'Perrin', town: 'Millery', joinedOn: '2020-10-10', role: 'membre' },
  ];
  const ids: string[] = [];
  for (const m of members) ids.push((await ok(awa.post(`${base}/members`, m), 'member')).id);
  for (const [i, id] of ids.slice(0, 4).entries()) {
    await ok(awa.post(`${base}/dues`, { memberId: id, year: 2026, amountCents: 2000, paidOn: `2026-0${i + 1}-15`, method: i % 2 ? 'chèque' : 'espèces' }), 'due');
  }
  const ledger = [
    { date: '2026-01-15', label: 'Cotisations de janvier', amountCents: 4000, direction: 'receipt', category: 'Cotisations' },
    { date: '2026-02-03', label: 'Subvention de la ville de Givors', amountCents: 150000, direction: 'receipt', category: 'Subventions' },
    { date: '2026-03-18', label: 'Panneaux solaires pour l’école de Gavinané', amountCents: 98000, direction: 'expense', category: 'Projets' },
    { date: '2026-04-02', label: 'Envoi de manuels scolaires (fret)', amountCents: 23500, direction: 'expense', category: 'Projets' },
    { date: '2026-05-21', label: 'Repas solidaire, recettes', amountCents: 61250, direction: 'receipt', category: 'Manifestations' },
  ];
  for (const l of ledger) await ok(awa.post(`${base}/ledger`, l), 'ledger');
  const events = [
    { title: 'Assemblée générale', startsAt: '2026-12-05T14:00:00+01:00', endsAt: '2026-12-05T17:00:00+01:00', place: 'Salle Rosa Parks, Givors', description: 'Bilan de l’année, projets 2027, élection du bureau.' },
    { title: 'Appel avec le comité de Gavinané', startsAt: '2026-12-12T10:00:00+01:00', endsAt: '2026-12-12T11:00:00+01:00', place: 'Visioconférence (si la liaison le permet)', description: 'Point sur l’équipement solaire de l’école.' },
  ];
  for (const e of events) await ok(awa.post(`${base}/events`, e), 'event');
  await ok(
    awa.post(`${base}/documents`, {
      title: 'Compte rendu du bureau du 14 octobre',
      text: '# Bureau du 14 octobre\n\nPrésents : Awa, Moussa, Jeanne.\n\n## Décisions\n\n- Achat de deux kits solaires pour l’école de Gavinané.\n- Préparation de l’assemblée générale du 5 décembre.\n',
    }),
    'document',
  );
  await ok(
    awa.post(`${base}/documents`, {
      title: 'Projet 2027 : salle informatique du centre de santé',
      text: '# Salle informatique\n\nObjectif : trois postes recyclés et une boîte Solidaire alimentée par panneau solaire.\n\n## Budget\n\nÀ compléter.\n',
    }),
    'document',
  );
  const thread = await ok(
    awa.post(`${base}/threads`, { subject: 'Kits solaires pour l’école', body: 'Bonjour à tous, le fournisseur confirme la livraison des deux kits pour fin janvier.' }),
    'thread',
  );
  await ok(moussa.post(`${base}/threads/${thread.thread.id}/messages`, { body: 'Merci Awa. J’ai prévu le virement la semaine prochaine.' }), 'reply');
  await ok(awa.post(`${base}/threads`, { subject: 'Nouvelles de Gavinané', body: 'Bakary nous écrit que la rentrée s’est bien passée : 5 classes, 212 élèves.' }), 'thread');
}

async function seedSecours(claire: LocalClient): Promise<void> {
  const base = `/api/v1/spaces/${SP}`;
  for (const m of [
    { firstName: 'Claire', lastName: 'Dubois', town: 'Givors', joinedOn: '2009-06-01', role: 'responsable de l’antenne' },
    { firstName: 'Karim', lastName: 'Benali', town: 'Givors', joinedOn: '2021-02-14', role: 'bénévole, salle informatique' },
  ]) {
    await ok(claire.post(`${base}/members`, m), 'member');
  }
  await ok(
    claire.post(`${base}/documents`, {
      title: 'Permanences de la salle informatique',
      text: '# Permanences\n\n- Lundi 14 h – 17 h : démarches administratives (CAF, impôts, France Travail).\n- Jeudi 9 h – 12 h : recherche d’emploi, CV.\n',
    }),
    'document',
  );
  await ok(claire.post(`${base}/threads`, { subject: 'Planning de décembre', body: 'Qui peut tenir la permanence du jeudi 18 ?' }), 'thread');
  await ok(claire.post(`${base}/events`, { title: 'Distribution de colis', startsAt: '2026-12-19T09:00:00+01:00', endsAt: '2026-12-19T12:00:00+01:00', place: 'Local de Givors', description: 'Colis de fin d’année.' }), 'event');
}

async function seedCommons(awa: LocalClient, claire: LocalClient): Promise<void> {
  const articles = [
    {
      who: awa,
      title: 'Développement de l’accès à l’énergie solaire au Sahel',
      summary: 'Retour d’expérience des kits solaires installés à Youri et à Gavinané.',
      body: 'Un kit de 200 Wc avec une batterie de 100 Ah suffit pour une boîte Solidaire et deux postes pendant une journée de classe.\n\nPoints d’attention : la poussière sur les panneaux, la température des batteries.',
      tags: 'énergie,solaire,mali',
    },
    {
      who: claire,
      title: 'Faire ses démarches administratives en ligne : fiche pratique',
      summary: 'Les sites utiles et les papiers à préparer avant de venir à la permanence.',
      body: 'Préparez : pièce d’identité, numéro d’allocataire, dernier avis d’imposition. Créez une adresse électronique que vous pourrez retrouver.',
      tags: 'démarches,emploi,formation',
    },
    {
      who: awa,
      title: 'Former de jeunes élus à l’informatique',
      summary: 'Programme de formation proposé par la m@ison de Grigny pour les partenaires de Youri.',
      body: 'Cinq séances : découvrir le poste de travail, écrire un courrier, tenir un tableau de comptes, échanger des messages, sauvegarder sur une clé USB.',
      tags: 'formation,youri',
    },
  ];
  for (const { who, ...a } of articles) await ok(who.post('/api/v1/commons/articles', a), 'article');
}

/** A second box of the demo (Youri): the Comité's space and its people, no content: it comes by sync. */
export async function seedPeerBox(appliance: Appliance): Promise<void> {
  const admin = new LocalClient(appliance);
  await ok(admin.login('admin', DEMO_PASSWORD), 'admin login');
  await ok(admin.post('/api/v1/spaces', { id: GG, name: 'Comité de jumelage Givors–Gavinané' }), 'space');
  for (const a of DEMO_ACCOUNTS.filter((x) => GG in x.roles)) {
    const roles = Object.entries(a.roles).map(([space, role]) => ({ space, role }));
    await ok(admin.post('/api/v1/accounts', { username: a.username, displayName: a.displayName, password: DEMO_PASSWORD, roles }), `account ${a.username}`);
  }
}
