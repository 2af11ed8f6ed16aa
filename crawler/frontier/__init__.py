"""The crawl frontier (the requests waiting to be fetched), kept on disk rather than in memory."""
