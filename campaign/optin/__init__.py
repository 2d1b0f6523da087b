"""Double opt-in, one kit for signers and endorsers: a submission is stored pending, and a
mailed link confirms it. What both areas share lives here, so they cannot drift apart:

- `addresses.py`: the one normalizer of the address a confirmation goes to;
- `abuse.py`: the abuse rules (a submission that trips one is flagged, never refused).

Countries are in campaign.core.countries (dashboards and the API name them too)."""
