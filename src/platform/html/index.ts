/** Server-rendered HTML pages: the shared document frame and stylesheet. */
export { HtmlDocument, type HtmlDocumentProps, PAGE_CSP, type RenderHtmlOptions, renderHtml } from "./document";
export { PAGE_STYLES } from "./styles";
