"""The service desk on the web: 诉求, 服务包, visits (pages and API), and the routing suggestion API."""
