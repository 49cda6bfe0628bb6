"""The model registry: one, collected from every family explicitly, failing loudly.

A family that does not import, a spec that names an unknown kind, transform or optimiser, and two
models with one name are errors at import (naming the family or the model), never a registry
that silently lacks a family.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace

import pytest
from torch import nn

import genspec.models
from genspec.models import autoencoders, flows, registry, vae
from genspec.models.spec import ModelSpec

pytestmark = pytest.mark.area("models")


def test_every_family_contributes_and_names_keep_their_order():
    assert list(registry.FAMILIES) == ["vae", "flows", "autoencoders"]
    expected = [s.name for s in vae.SPECS + flows.SPECS + autoencoders.SPECS]
    assert registry.names() == expected and len(set(expected)) == len(expected) == 16
    assert registry.names()[:6] == ["vae", "vae2d", "conv_vae", "gumbel_vae", "gumbel_vae_st", "nice"]
    assert set(autoencoders.registry) == {s.name for s in autoencoders.SPECS}
    with pytest.raises(ValueError, match="model='tpu_vae'"):
        registry.get("tpu_vae")


def test_a_family_that_fails_to_import_breaks_the_registry(monkeypatch):
    spec = importlib.util.spec_from_file_location("registry_under_test", registry.__file__)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.delattr(genspec.models, "flows")
    monkeypatch.setitem(sys.modules, "genspec.models.flows", None)  # what a failing import leaves behind
    with pytest.raises(ImportError, match="flows"):
        spec.loader.exec_module(module)


def test_two_models_with_one_name_are_refused():
    families = {"vae": vae.SPECS, "copy": (replace(vae.SPECS[0], description="another vae"),)}
    with pytest.raises(ValueError, match="'vae' is registered by family 'vae' and again by 'copy'"):
        registry._collect(families)


@pytest.mark.parametrize(("field", "value"), [("kind", "diffusion"), ("transform", "whiten"), ("epochs", 0),
                                              ("batch_size", True), ("optimizer", "Adamm")])
def test_a_bad_spec_is_refused_naming_the_model(field, value):
    with pytest.raises(ValueError, match=f"model 'toy': {field}="):
        ModelSpec("toy", **{"kind": "autoencoder", "build": nn.Identity, "transform": "unit", "epochs": 1,
                            "batch_size": 1, "description": "toy", field: value})
