// The look the app's pages inside the portal share.
import { raw } from './html.js'

/** Bitrix24's look: its UI kit's colours and spacing, in a few rules. */
export const PORTAL_STYLE = raw(`
:root { --ui-color-primary: #2fc6f6; --ui-color-success: #9dcf00; --ui-color-danger: #ff5752; --ui-color-warning: #ffa900; --ui-color-base: #525c69; --ui-color-muted: #a8adb4; }
body { font-family: "Open Sans", "Helvetica Neue", Helvetica, Arial, sans-serif; color: var(--ui-color-base); margin: 16px; }
header { display: flex; justify-content: space-between; align-items: center; }
h1 { font-size: 18px; font-weight: 600; } h2 { font-size: 14px; text-transform: uppercase; color: var(--ui-color-muted); margin: 18px 0 6px; }
ul { list-style: none; padding: 0; margin: 0; } li { padding: 6px 0; border-bottom: 1px solid #eef2f4; }
.muted { color: var(--ui-color-muted); } .note { background: #fff8e1; padding: 8px 12px; border-radius: 4px; }
.badge { display: inline-block; min-width: 96px; padding: 1px 8px; border-radius: 10px; font-size: 12px; color: #fff; background: var(--ui-color-muted); text-align: center; }
.passed .badge { background: var(--ui-color-success); } .failed .badge { background: var(--ui-color-danger); }
.waiting .badge { background: var(--ui-color-warning); } .excused .badge { background: var(--ui-color-primary); }
.late { color: var(--ui-color-danger); } .past { opacity: .7; }
.ui-btn { border: 0; border-radius: 2px; background: var(--ui-color-primary); color: #fff; padding: 6px 14px; font: inherit; cursor: pointer; }
.ui-btn.light { background: #eef2f4; color: var(--ui-color-base); }
.excuse input { padding: 5px 8px; border: 1px solid #c6cdd3; border-radius: 2px; width: 55%; }
`)

/**
 * Inside the portal's frame: the SDK (served by the app, no CDN) fits the frame to the page, and a record link
 * (`recordLink`) opens in the portal's slider; before the SDK is up, outside the portal, or when the portal opens
 * no slider, the link's own address on the portal opens in a new tab.
 */
export const PORTAL_FRAME = raw(`<script src="/assets/b24jssdk.js"></script>
<script>
(function () {
  var b24 = null;
  function newTab(link) { window.open(link.href, '_blank', 'noopener'); }
  // openPath takes a URL, not a path (b24jssdk src/frame/slider.ts: new URL(url) throws on '/crm/deal/details/1/');
  // it settles when the slider closes, and rejects when the portal refuses the path (PATH_NOT_AVAILABLE: portals
  // before 22.300 refuse the SDK's '/crm/type/…' prefix, bx24-open-path.md). A phone's portal opens no slider: the SDK opens a tab itself.
  function openInSlider(link) {
    try {
      b24.slider.openPath(b24.slider.getUrl(link.dataset.path)).catch(function () { newTab(link); });
    } catch (error) {
      newTab(link);
    }
  }
  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('a[data-path]') : null;
    if (!link || !b24 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    openInSlider(link);
  });
  if (window.B24Js && window.parent !== window) {
    window.B24Js.initializeB24Frame().then(function (frame) {
      b24 = frame;
      b24.parent.fitWindow();
    }).catch(function () {});
  }
})();
</script>`)
