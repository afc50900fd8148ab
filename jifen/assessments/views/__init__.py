"""Pages of organization assessments, one module per thing they show: ``rounds`` (opening and
publishing a round), ``sheets`` (the self and committee sheets), ``spot_checks``, ``results``
(rankings, one organization's result, the year and two years) and ``printed_forms`` (the
考核打分表 and the bulletin, printed and as xlsx). ``doors`` is how they reach a round and its
organizations."""
