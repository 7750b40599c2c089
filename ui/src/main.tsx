/** The workspace app: its routes, mounted on #app. */
import { Navigate, Route, Router, useParams } from '@solidjs/router';
import { render } from 'solid-js/web';
import { lang, t } from './app/locale.js';
import { loadSession } from './app/session.js';
import { Shell } from './app/Shell.js';
import { SpaceFrame, spacePath } from './app/Space.js';
import { Spaces } from './app/Spaces.js';
import { DocumentList } from './pages/documents/DocumentList.js';
import { DocumentPage } from './pages/documents/DocumentPage.js';
import { ThreadPage } from './pages/messages/ThreadPage.js';
import { Threads } from './pages/messages/Threads.js';
import { FilesPage } from './pages/files/FilesPage.js';
import { SyncPage } from './pages/sync/SyncPage.js';
import { ArticlePage } from './pages/commons/ArticlePage.js';
import { Articles } from './pages/commons/Articles.js';
import { Members } from './pages/admin/Members.js';
import { Dues } from './pages/admin/Dues.js';
import { Ledger } from './pages/admin/Ledger.js';
import { Agenda } from './pages/agenda/Agenda.js';
import { BoxFrame } from './pages/box/BoxFrame.js';
import { Accounts } from './pages/box/Accounts.js';
import { SpacesAdmin } from './pages/box/SpacesAdmin.js';
import { Network } from './pages/box/Network.js';
import { Usb } from './pages/box/Usb.js';
import { Library } from './pages/commons/Library.js';
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
      </Route>
      <Route path="*" component={NotFound} />
    </Router>
  ),
  document.getElementById('app')!,
);
