"""政策计算器: answer only the questions that still decide something, one at a time.

Stateless: the answers so far travel in each request; ``step`` turns them into the facts the
matching engine reads (``zhida.matching.match_enterprise`` over a facts dict — the same form an
enterprise profile is derived to), runs every measure, and picks the next question.
"""

from zhida.calculator.step import Step, step

__all__ = ["Step", "step"]
