"""The issuer's HTTP adapters: parse the request, call one use case, render the answer."""
