"""Sharing appeals: share links with a `ref`, meta tags, share image, QR codes, the embeddable
page and the public count for pollers."""
