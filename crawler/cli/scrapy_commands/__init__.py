"""Scrapy's COMMANDS_MODULE for this project: the `scrapy` commands it overrides (a module's
name is the command's name, so `crawl.py` here is `scrapy crawl`). The `crawler` command's own
verbs are the modules one level up."""
