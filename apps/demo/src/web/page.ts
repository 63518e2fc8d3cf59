/** The chat page: static HTML; the script (`/app.js`) and styles (`/app.css`) are served beside it. */
export const pageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ws-manager demo chat</title>
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<header>
  <h1>ws-manager demo chat</h1>
  <span id="me"></span>
  <span id="status" class="status" data-state="idle">signed out</span>
  <span id="where"></span>
</header>
<p class="dev-note">Development login: anyone may sign in under any name. Do not deploy this login.</p>
<p id="notice" role="status"></p>
<form id="login" autocomplete="off">
  <label>Name <input id="name" required maxlength="32" pattern="[a-z0-9_\\-]{1,32}" placeholder="a-z 0-9 _ -"></label>
  <label>Protocol
    <select id="protocol">
      <option value="json">JSON (wsm.v1.json)</option>
      <option value="msgpack">MessagePack (wsm.v1.msgpack)</option>
    </select>
  </label>
  <button id="signin" type="submit">Sign in</button>
</form>
<main id="chat" hidden>
  <aside>
    <form id="open-form" autocomplete="off">
      <select id="open-kind">
        <option value="thread">public thread</option>
        <option value="private">private with user</option>
        <option value="direct">direct to user</option>
      </select>
      <input id="open-name" required maxlength="128" placeholder="lobby">
      <button id="open" type="submit">Open</button>
    </form>
    <ul id="conversations"></ul>
  </aside>
  <section>
    <h2 id="title"></h2>
    <p id="presence"></p>
    <ul id="messages"></ul>
    <form id="composer" autocomplete="off">
      <input id="text" maxlength="2000" placeholder="Message">
      <button id="send" type="submit">Send</button>
    </form>
  </section>
</main>
</body>
</html>
`;

/** The page's styles. */
export const pageCss = `
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { height: 100%; }
body { display: flex; flex-direction: column; overflow: hidden; margin: 0; font: 15px/1.4 system-ui, sans-serif; color: #1d2330; background: #f4f6fa; }
header { display: flex; gap: 12px; align-items: center; padding: 10px 16px; background: #1d2330; color: #fff; }
header h1 { font-size: 17px; margin: 0 auto 0 0; }
.status { padding: 2px 10px; border-radius: 10px; background: #888; font-size: 13px; }
.status[data-state="open"] { background: #1f8a4c; }
.status[data-state="connecting"], .status[data-state="reconnecting"] { background: #c98a00; }
.status[data-state="closed"] { background: #b3261e; }
#where { font-size: 12px; opacity: .8; }
.dev-note { margin: 0; padding: 4px 16px; background: #fff4d6; font-size: 13px; }
form#login { display: flex; gap: 12px; align-items: end; padding: 24px 16px; }
main { flex: 1; min-height: 0; display: grid; grid-template-columns: 280px 1fr; }
aside { border-right: 1px solid #d5dae3; padding: 12px; overflow: auto; background: #fff; }
aside form { display: grid; grid-template-columns: 1fr; gap: 6px; margin-bottom: 12px; }
#conversations { list-style: none; margin: 0; padding: 0; }
#conversations button { width: 100%; text-align: left; padding: 6px 8px; margin: 2px 0; border: 0; border-radius: 6px; background: transparent; cursor: pointer; }
#conversations button[aria-current="true"] { background: #e3e9f6; font-weight: 600; }
#conversations .count { float: right; color: #66708a; font-weight: 400; }
section { display: flex; flex-direction: column; padding: 12px 16px; min-width: 0; }
section h2 { margin: 0 0 8px; font-size: 16px; }
#presence { margin: -4px 0 8px; color: #1f8a4c; font-size: 13px; }
#presence:empty { display: none; }
#messages { flex: 1; list-style: none; margin: 0; padding: 0; overflow: auto; }
#messages li { padding: 4px 0; border-bottom: 1px solid #e8ebf1; }
#messages .from { font-weight: 600; margin-right: 8px; }
#messages .mine .from { color: #2456c7; }
#messages .server .from { color: #9a4d00; font-variant: small-caps; }
#messages .system { color: #66708a; font-style: italic; }
#composer { display: flex; gap: 8px; margin-top: 8px; }
#composer input { flex: 1; }
input, select, button { font: inherit; padding: 6px 8px; }
#notice { margin: 0; padding: 4px 16px; background: #fde7e7; color: #8a1c1c; font-size: 13px; }
#notice:empty { display: none; }
`;
