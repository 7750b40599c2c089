/** The workspace app: its routes, mounted on #app. */
import './common/legacy.js';
import { Navigate, Route, Router, useParams } from '@solidjs/router';
import { render } from 'solid-js/web';
import { lang, t, loadSession, Shell, SpaceFrame, spacePath, Spaces } from './app/index.js';
import { DocumentList, DocumentPage } from './pages/documents/index.js';
import { ThreadPage, Threads } from './pages/messages/index.js';
import { FilesPage } from './pages/files/index.js';
import { SyncPage } from './pages/sync/index.js';
import { ArticlePage, Articles, Library } from './pages/commons/index.js';
import { Dues, Ledger, Members } from './pages/admin/index.js';
import { Agenda } from './pages/agenda/index.js';
import { Accounts, BoxFrame, Network, SpacesAdmin, Updates, Usb } from './pages/box/index.js';
import './styles.css';

function SpaceHome() {
  const params = useParams<{ space: string }>();
  return <Navigate href={spacePath(params.space, 'documents')} />;
}

function NotFound() {
  return <p class="note">{t('app.notFound')}</p>;
}

document.documentElement.lang = lang();
void loadSession();

render(
  () => (
    <Router root={Shell}>
      <Route path="/" component={Spaces} />
      <Route path="/s/:space" component={SpaceFrame}>
        <Route path="/" component={SpaceHome} />
        <Route path="/documents" component={DocumentList} />
        <Route path="/documents/:id" component={DocumentPage} />
        <Route path="/messages" component={Threads} />
        <Route path="/messages/:id" component={ThreadPage} />
        <Route path="/files" component={FilesPage} />
        <Route path="/members" component={Members} />
        <Route path="/dues" component={Dues} />
        <Route path="/ledger" component={Ledger} />
        <Route path="/agenda" component={Agenda} />
        <Route path="/articles" component={Articles} />
        <Route path="/articles/:id" component={ArticlePage} />
        <Route path="/library" component={Library} />
      </Route>
      <Route path="/sync" component={SyncPage} />
      <Route path="/admin" component={BoxFrame}>
        <Route path="/" component={() => <Navigate href="/admin/accounts" />} />
        <Route path="/accounts" component={Accounts} />
        <Route path="/spaces" component={SpacesAdmin} />
        <Route path="/network" component={Network} />
        <Route path="/usb" component={Usb} />
        <Route path="/updates" component={Updates} />
      </Route>
      <Route path="*" component={NotFound} />
    </Router>
  ),
  document.getElementById('app')!,
);
