"""Pages of the quarter's close, one module per thing they show: ``lists`` (what waits for the
user), ``quarter`` (the quarterly sheet and its signature), ``notice`` (the public notice, 公示),
``objections`` (objections and their findings) and ``confirm`` (a member's confirmation)."""
