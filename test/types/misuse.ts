// Must NOT compile: a Sequential slot only takes a Module.
import { models } from '../..';

const model = models.vgg16();
model.setClassifierLayer(6, 'linear');
