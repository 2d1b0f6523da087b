"""Inbound mail: authorities' replies, auto-replies and bounces to delivery emails, received by
`flask inbox serve` (SMTP) or `flask inbox fetch` (IMAP), matched to their appeal and
authority, read by campaigners and, redacted, published on the tracker."""
