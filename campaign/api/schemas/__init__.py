"""Every marshmallow schema of the JSON API, in and out, one module per area (`base` holds the
field types, the error envelope and pages). Views return models and let these dump them; no
answer is a dict built by hand, and serialization never lives on the models."""
