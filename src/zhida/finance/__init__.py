"""融资对接 (001 “融资服务对接平台…投贷联动”; 003 “信易贷”): financial products with eligibility in
the rule language (``products``), financing needs posted by enterprises or for library projects
with what they agree to share (``needs``), matching both ways with reasons (``matching``), lenders'
answers 接洽 / 授信 / 放款 / 不予支持 through a declared workflow (``responses``), lender accounts
(``lenders``) and figures by product and district (``figures``)."""
