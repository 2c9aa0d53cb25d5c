"""精准推送: who, per measure, the last complete batch found eligible — scoped to the official asking
(their responsible units, their district), one line per measure with its units listed, amounts by
kind (确定可得 / 最高可达 / 减免·抵扣·递延 / 待认定), searchable, grouped by document, a page at a
time. The web page, the API and `zhida pushlist show` all call ``listing``; the rows are read from
the run's Parquet (zhida.batch.pushlists)."""
