"""Web plumbing of the dashboard that the three services share: signed session cookies, CSRF,
the base layout, the stylesheet and the page helpers. Each service renders the pages for what
it owns with its own use cases; this package only holds what every page needs."""
