"""消息 (notifications) on the web: the inbox page and subscription settings (``pages``), the REST
API under /api/v1/notifications (``api``), and the unread badge of the header (``badge``).
Thin over zhida.notify; a user only ever sees their own messages (their account's, their
enterprise's, their 责任单位's)."""
