"""Text rules, one module per family; ``registry`` holds the ``@rule`` decorator and lookup."""
