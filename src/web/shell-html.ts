/** The one HTML page of the dashboard; the client script renders every route into #app. */
export const SHELL_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard</title>
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<div id="app"><noscript>The Switchboard dashboard needs JavaScript. The API at /api/0/ works without it.</noscript></div>
</body>
</html>
`;

/** A small mark for the browser tab, drawn here rather than fetched from anywhere. */
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#2f3d8a"/><path d="M8 11h16M8 16h10M8 21h16" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>`;
