"""政策征集: a consultation draft opened for comments clause by clause, by enterprises and the
public; the drafting unit answers each and publishes the 意见征集情况说明 within the rules' time;
when the final version arrives, each comment shows what became of its clause (``service``,
tables in ``tables``, the workflow in ``data/consultation.workflow.yaml``)."""
