/** The fleet dashboard, served by the relay: its routes, mounted on #app. */
import '../common/legacy.js';
import { Route, Router } from '@solidjs/router';
import { render } from 'solid-js/web';
import { AlertsPage } from './Alerts.js';
import { Enroll } from './Enroll.js';
import { Fleet } from './Fleet.js';
import { lang, t, translateIn } from './locale.js';
import { Releases } from './Releases.js';
import { Shell } from './Shell.js';
import { SitePage } from './SitePage.js';
import '../styles.css';
import './dashboard.css';

document.documentElement.lang = lang();
document.title = translateIn(lang(), 'app.title');

render(
  () => (
    <Router root={Shell}>
      <Route path="/" component={Fleet} />
      <Route path="/sites/:id" component={SitePage} />
      <Route path="/alerts" component={AlertsPage} />
      <Route path="/releases" component={Releases} />
      <Route path="/enroll" component={Enroll} />
      <Route path="*" component={() => <p class="note">{t('app.notFound')}</p>} />
    </Router>
  ),
  document.getElementById('app')!,
);
