# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Token, Host and Origin rules of the driving page."""

from franka_hil_drive import access
import pytest


def test_off_loopback_a_token_is_required():
    assert access.resolve_token('127.0.0.1', '') == ''
    assert access.resolve_token('::1', '') == '' and access.resolve_token('localhost', '') == ''
    with pytest.raises(ValueError, match='token'):
        access.resolve_token('0.0.0.0', '')
    assert access.resolve_token('0.0.0.0', 's3cret') == 's3cret'
    assert len(access.resolve_token('0.0.0.0', access.GENERATE)) >= 24


@pytest.mark.parametrize(
    'host, ok',
    [
        ('127.0.0.1:8080', True),
        ('localhost:8080', True),
        ('[::1]:8080', True),
        ('192.168.1.7:8080', True),
        ('evil.example:8080', False),
        ('127.0.0.1.nip.io', False),
        (None, False),
        ('', False),
    ],
)
def test_host_must_be_an_address_not_a_name(host, ok):
    assert access.host_allowed(host) is ok


def test_origin_must_be_the_page_itself():
    assert access.origin_allowed(None, '127.0.0.1:8080')
    assert access.origin_allowed('http://127.0.0.1:8080', '127.0.0.1:8080')
    assert not access.origin_allowed('http://evil.example', '127.0.0.1:8080')
    assert not access.origin_allowed('null', '127.0.0.1:8080')
    assert not access.origin_allowed('http://127.0.0.1:9999', '127.0.0.1:8080')


def test_refusal_names_the_reason():
    good = {'Host': '127.0.0.1:8080', 'Origin': 'http://127.0.0.1:8080'}
    assert access.refusal('/?token=abc', good, 'abc') is None
    assert 'token' in access.refusal('/?token=abd', good, 'abc')
    assert 'token' in access.refusal('/', good, 'abc')
    assert access.refusal('/', good, '') is None
    assert 'Host' in access.refusal('/', {'Host': 'evil.example:8080'}, '')
    assert 'Origin' in access.refusal('/', dict(good, Origin='http://evil.example'), '')
