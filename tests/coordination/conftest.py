import pytest
import time_machine

from tests.staff_world import NOW, World


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def world(db, frozen):
    return World()
