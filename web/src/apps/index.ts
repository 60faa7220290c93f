/** The authorized-apps page (SPEC §8); the app shell routes `/apps` to it. */
export { AppsPage } from "./AppsPage";
