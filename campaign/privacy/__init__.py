"""Privacy: erasing personal data after its retention time, and a signer's own view of it."""
