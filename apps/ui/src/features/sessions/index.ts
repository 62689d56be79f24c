export { SessionsPage } from './pages/sessions-page';
export { SessionDetailsPage } from './pages/session-details-page';
