"""The enterprise service desk (服务包, 诉求 with the 12345 chain, visits, figures) and the policy
intelligence it uses: routing suggestions (``routing``) and draft answers to policy questions
(``consult``), both drawn from zhida's own clause corpus."""
