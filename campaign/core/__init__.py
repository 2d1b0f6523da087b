"""Infrastructure, not domain: configuration, extensions, the database and its engine,
security (tokens, keyed hashes), errors, logs, rate-limit storage, caching, input rules,
templating, i18n and the shared form base."""
