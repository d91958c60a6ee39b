"""Stand-ins for dbt context variables so sqlfluff's jinja templater can render our models.

Only used for linting; dbt itself provides the real `model`, `this` and `target`.
"""
